import React, { FormEvent, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';

import { RunnerApiError, toRunnerError } from '../../api/errors';
import { runnerApi } from '../../api/runnerApi';
import type { Health } from '../../api/types';

export interface AppSettings {
  runnerUrl?: string;
}

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

type Connection = { state: 'idle' | 'testing' } | { state: 'ok'; health: Health } | { state: 'failed'; error: RunnerApiError };

export function validateRunnerUrl(url: string): string | undefined {
  if (!url) {
    return 'The runner URL is required, e.g. http://rally-runner:9101';
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return 'The runner URL must start with http:// or https://';
    }
  } catch {
    return 'This is not a URL; expected something like http://rally-runner:9101';
  }
  return undefined;
}

export function AppConfig({ plugin }: AppConfigProps) {
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [runnerUrl, setRunnerUrl] = useState(jsonData?.runnerUrl ?? '');
  const [token, setToken] = useState('');
  const [tokenIsSet, setTokenIsSet] = useState(Boolean(secureJsonFields?.runnerToken));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [connection, setConnection] = useState<Connection>({ state: 'idle' });
  const urlError = validateRunnerUrl(runnerUrl.trim());
  const [touched, setTouched] = useState(false);

  const onSave = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (urlError) {
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      await saveSettings(plugin.meta.id, {
        enabled,
        pinned,
        jsonData: { runnerUrl: runnerUrl.trim().replace(/\/+$/, '') },
        // Only send the token when it was changed: the stored one cannot be read back.
        secureJsonData: tokenIsSet ? undefined : { runnerToken: token },
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
            placeholder="http://rally-runner:9101"
            onChange={(e) => setRunnerUrl(e.currentTarget.value)}
            onBlur={() => setTouched(true)}
          />
        </Field>
        <Field
          label="Runner token"
          description="The runner's RALLY_MONITOR_API_TOKEN. Stored encrypted; Grafana adds it to proxied requests, the browser never sees it."
        >
          <SecretInput
            id="runner-token"
            width={60}
            value={token}
            isConfigured={tokenIsSet}
            placeholder="Token"
            onChange={(e) => setToken(e.currentTarget.value)}
            onReset={() => {
              setToken('');
              setTokenIsSet(false);
            }}
          />
        </Field>
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
        {health.lastCycleFinishedAt ? `Last cycle ${health.lastCycleId} finished ${health.lastCycleFinishedAt}.` : 'No cycle has completed yet.'}
      </Alert>
    ) : (
      <Alert severity="warning" title="Connected, but the runner is unhealthy">
        {health.reason ?? 'No reason given.'} Check the runner's logs and schedule.
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
