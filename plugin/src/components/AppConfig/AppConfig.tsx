import React, { FormEvent, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Checkbox, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';

import { RunnerApiError, toRunnerError } from '../../api/errors';
import { DEFAULT_PROMETHEUS_UID } from '../../api/prometheusApi';
import { runnerApi } from '../../api/runnerApi';
import type { Health } from '../../api/types';

export interface AppSettings {
  runnerUrl?: string;
  /** Lets the token travel over plain http to a host other than this machine (a trusted network only). */
  allowInsecureHttp?: boolean | string;
  /** Uid of the Prometheus data source that scrapes the canaries (Dataplane page); rally-prometheus when unset. */
  prometheusUid?: string;
}

/**
 * Grafana's provisioning expands `${VAR}` inside string values only (pkg/services/provisioning/values/values.go,
 * JSONValue), so a provisioned `allowInsecureHttp: ${RALLY_MONITOR_ALLOW_INSECURE_HTTP}` arrives as the string "true".
 */
export function allowsInsecureHttp(value: boolean | string | undefined): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

type Connection =
  { state: 'idle' | 'testing' } | { state: 'ok'; health: Health } | { state: 'failed'; error: RunnerApiError };

/** Loopback hosts: plain http to them never leaves the Grafana server's machine. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The runner URL's problem, if any. The runner token (it can start cycles and purge cloud resources) goes with
 * every proxied request, so plain http is refused for any host but loopback unless `allowHttp`.
 */
export function validateRunnerUrl(url: string, allowHttp = false): string | undefined {
  if (!url) {
    return 'The runner URL is required, e.g. https://rally-runner:9101';
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'This is not a URL; expected something like https://rally-runner:9101';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return 'The runner URL must start with http:// or https://';
  }
  if (parsed.protocol === 'http:' && !allowHttp && !isLoopback(parsed.hostname)) {
    return 'Use https:// for a runner on another host: the runner token travels with every request. Allow plain http only on a network you trust.';
  }
  return undefined;
}

const normalizeUrl = (url: string) => url.trim().replace(/\/+$/, '');

/** Grafana's own check of a uid (pkg/util/shortid_generator.go IsValidShortUID): these characters, 40 at most. */
export function validatePrometheusUid(uid: string): string | undefined {
  return uid === '' || /^[a-zA-Z0-9_-]{1,40}$/.test(uid)
    ? undefined
    : 'A data source uid has only letters, digits, - and _ (40 at most): copy it from Connections > Data sources.';
}

export function AppConfig({ plugin }: AppConfigProps) {
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const savedUrl = normalizeUrl(jsonData?.runnerUrl ?? '');
  const [runnerUrl, setRunnerUrl] = useState(jsonData?.runnerUrl ?? '');
  const [allowInsecureHttp, setAllowInsecureHttp] = useState(allowsInsecureHttp(jsonData?.allowInsecureHttp));
  const [prometheusUid, setPrometheusUid] = useState(jsonData?.prometheusUid ?? '');
  const uidError = validatePrometheusUid(prometheusUid.trim());
  const [token, setToken] = useState('');
  const [tokenIsSet, setTokenIsSet] = useState(Boolean(secureJsonFields?.runnerToken));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [connection, setConnection] = useState<Connection>({ state: 'idle' });
  const urlError = validateRunnerUrl(runnerUrl.trim(), allowInsecureHttp);
  // A saved URL that no longer passes (e.g. provisioned plain http to another host) is flagged at once.
  const [touched, setTouched] = useState(savedUrl !== '' && urlError !== undefined);
  // The stored token belongs to the saved URL: a new URL gets no token unless one is typed for it, so whoever can
  // re-point the app cannot send the old token to a host of their choosing through this page.
  const urlChanged = savedUrl !== '' && normalizeUrl(runnerUrl) !== savedUrl;
  const tokenKept = tokenIsSet && !urlChanged;

  const onSave = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (urlError || uidError) {
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      await saveSettings(plugin.meta.id, {
        enabled,
        pinned,
        jsonData: {
          runnerUrl: normalizeUrl(runnerUrl),
          allowInsecureHttp,
          ...(prometheusUid.trim() ? { prometheusUid: prometheusUid.trim() } : {}),
        },
        // Only send the token when it was changed (the stored one cannot be read back), and always when the URL
        // changed: then an empty token overwrites the stored one.
        secureJsonData: tokenKept ? undefined : { runnerToken: token },
      });
      // Grafana applies new app settings only on reload.
      window.location.reload();
    } catch (e) {
      setSaveError(toRunnerError(e).message);
    } finally {
      setSaving(false);
    }
  };

  const onTest = async () => {
    setConnection({ state: 'testing' });
    try {
      setConnection({ state: 'ok', health: await runnerApi.testConnection() });
    } catch (e) {
      setConnection({ state: 'failed', error: toRunnerError(e) });
    }
  };

  return (
    <form onSubmit={onSave}>
      <FieldSet label="Runner">
        <Field
          label="Runner URL"
          description="Where the Grafana server reaches the rally-monitor runner (its API and /metrics port)."
          invalid={touched && Boolean(urlError)}
          error={touched ? urlError : undefined}
        >
          <Input
            id="runner-url"
            width={60}
            value={runnerUrl}
            placeholder="https://rally-runner:9101"
            onChange={(e) => setRunnerUrl(e.currentTarget.value)}
            onBlur={() => setTouched(true)}
          />
        </Field>
        <Field description="Sends the runner token unencrypted to a host other than this machine. Only on a network you trust.">
          <Checkbox
            id="allow-insecure-http"
            label="Allow plain http"
            value={allowInsecureHttp}
            onChange={(e) => setAllowInsecureHttp(e.currentTarget.checked)}
          />
        </Field>
        <Field
          label="Runner token"
          description="The runner's RALLY_MONITOR_API_TOKEN. Stored encrypted; Grafana adds it to proxied requests, the browser never sees it. Changing the URL clears it."
        >
          <SecretInput
            id="runner-token"
            width={60}
            value={token}
            isConfigured={tokenKept}
            placeholder="Token"
            onChange={(e) => setToken(e.currentTarget.value)}
            onReset={() => {
              setToken('');
              setTokenIsSet(false);
            }}
          />
        </Field>
        <Field
          label="Prometheus data source uid"
          description="The Prometheus data source that scrapes the dataplane canaries, for the Dataplane page and the Overview. Empty: the provisioned rally-prometheus."
          invalid={touched && Boolean(uidError)}
          error={touched ? uidError : undefined}
        >
          <Input
            id="prometheus-uid"
            width={60}
            value={prometheusUid}
            placeholder={DEFAULT_PROMETHEUS_UID}
            onChange={(e) => setPrometheusUid(e.currentTarget.value)}
          />
        </Field>
        {urlChanged && tokenIsSet && (
          <Alert severity="warning" title="The token will be cleared">
            Changing the runner URL clears the stored token: enter the token of the runner at the new URL, or save
            without one.
          </Alert>
        )}
        {saveError && (
          <Alert severity="error" title="Settings not saved">
            {saveError}
          </Alert>
        )}
        <Stack>
          <Button type="submit" disabled={saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </Button>
          <Button type="button" variant="secondary" onClick={onTest} disabled={connection.state === 'testing'}>
            {connection.state === 'testing' ? 'Testing…' : 'Test connection'}
          </Button>
        </Stack>
        <div style={{ marginTop: 16 }}>
          <ConnectionResult connection={connection} />
        </div>
      </FieldSet>
    </form>
  );
}

function ConnectionResult({ connection }: { connection: Connection }) {
  if (connection.state === 'ok') {
    const { health } = connection;
    return health.status === 'ok' ? (
      <Alert severity="success" title="Connected to the runner">
        The runner is healthy.{' '}
        {health.lastCycleFinishedAt
          ? `Last cycle ${health.lastCycleId} finished ${health.lastCycleFinishedAt}.`
          : 'No cycle has completed yet.'}
      </Alert>
    ) : (
      <Alert severity="warning" title="Connected, but the runner is unhealthy">
        {health.reason ?? 'No reason given.'} Check the runner&apos;s logs and schedule.
      </Alert>
    );
  }
  if (connection.state === 'failed') {
    return (
      <Alert severity="error" title="Connection failed">
        <p>{connection.error.message}</p>
        <p>{connection.error.hint}</p>
        <p>The test uses the saved settings: save first after a change.</p>
      </Alert>
    );
  }
  return null;
}

async function saveSettings(pluginId: string, data: Partial<PluginMeta<AppSettings>>) {
  await lastValueFrom(
    getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data, showErrorAlert: false })
  );
}

export default AppConfig;
