import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import { AppPluginMeta, OrgRole, PluginType } from '@grafana/data';

import { recorded } from '../../test/recorded';
import { renderPage } from '../../test/render';
import { AppConfig, AppConfigProps, AppSettings, allowsInsecureHttp, validateRunnerUrl } from './AppConfig';

const r = recorded();

function props(jsonData: AppSettings = {}, tokenSet = false): AppConfigProps {
  const meta = {
    id: 'rallymonitor-openstack-app',
    name: 'Rally Monitor for OpenStack',
    type: PluginType.app,
    enabled: true,
    pinned: true,
    jsonData,
    secureJsonFields: tokenSet ? { runnerToken: true } : {},
    info: {} as AppPluginMeta['info'],
    module: '',
    baseUrl: '',
  } as AppPluginMeta<AppSettings>;
  return { plugin: { meta } as AppConfigProps['plugin'], query: {} } as AppConfigProps;
}

describe('AppConfig', () => {
  const reload = jest.fn();
  beforeAll(() => {
    Object.defineProperty(window, 'location', { value: { ...window.location, reload }, writable: true });
  });
  beforeEach(() => reload.mockClear());

  it('shows the saved runner URL and that a token is configured, without the token', () => {
    renderPage(<AppConfig {...props({ runnerUrl: 'http://runner:9101' }, true)} />, { role: OrgRole.Admin });
    expect(screen.getByLabelText(/^Runner URL/)).toHaveValue('http://runner:9101');
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
  });

  it('refuses to save a URL that is not http(s), and says what is expected', async () => {
    const { user, backend } = renderPage(<AppConfig {...props()} />, { role: OrgRole.Admin });
    await user.type(screen.getByLabelText(/^Runner URL/), 'runner:9101');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByText(/must start with http:\/\/ or https:\/\//)).toBeInTheDocument();
    expect(backend.requests).toHaveLength(0);
  });

  it('saves the URL in jsonData and the token in secureJsonData, then reloads', async () => {
    const { user, backend } = renderPage(<AppConfig {...props()} />, {
      role: OrgRole.Admin,
      backend: { 'POST /api/plugins/rallymonitor-openstack-app/settings': { status: 200, data: {} } },
    });
    await user.type(screen.getByLabelText(/^Runner URL/), 'https://runner:9101/');
    await user.type(screen.getByPlaceholderText('Token'), 's3cret');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(backend.requests[0]!.data).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { runnerUrl: 'https://runner:9101', allowInsecureHttp: false },
      secureJsonData: { runnerToken: 's3cret' },
    });
  });

  it('saves the uid of the Prometheus data source the Dataplane page queries, and keeps a saved one', async () => {
    const { user, backend } = renderPage(
      <AppConfig {...props({ runnerUrl: 'https://runner:9101', prometheusUid: 'canary-prom' }, true)} />,
      {
        role: OrgRole.Admin,
        backend: { 'POST /api/plugins/rallymonitor-openstack-app/settings': { status: 200, data: {} } },
      }
    );
    const field = screen.getByLabelText(/^Prometheus data source uid/);
    expect(field).toHaveValue('canary-prom');
    await user.clear(field);
    await user.type(field, ' mimir-eu ');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(backend.requests[0]!.data.jsonData).toEqual({
      runnerUrl: 'https://runner:9101',
      allowInsecureHttp: false,
      prometheusUid: 'mimir-eu',
    });
  });

  it('refuses a Prometheus data source uid Grafana could not have given', async () => {
    const { user, backend } = renderPage(<AppConfig {...props({ runnerUrl: 'https://runner:9101' }, true)} />, {
      role: OrgRole.Admin,
    });
    expect(screen.getByLabelText(/^Prometheus data source uid/)).toHaveAttribute('placeholder', 'rally-prometheus');
    await user.type(screen.getByLabelText(/^Prometheus data source uid/), '../admin');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByText(/letters, digits, - and _/)).toBeInTheDocument();
    expect(backend.requests).toHaveLength(0);
  });

  it('keeps the stored token when neither it nor the URL changed', async () => {
    const { user, backend } = renderPage(<AppConfig {...props({ runnerUrl: 'https://runner:9101' }, true)} />, {
      role: OrgRole.Admin,
      backend: { 'POST /api/plugins/rallymonitor-openstack-app/settings': { status: 200, data: {} } },
    });
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(backend.requests[0]!.data.secureJsonData).toBeUndefined();
  });

  it('clears the stored token when the runner URL changes, so it is never sent to the new host', async () => {
    const { user, backend } = renderPage(<AppConfig {...props({ runnerUrl: 'https://runner:9101' }, true)} />, {
      role: OrgRole.Admin,
      backend: { 'POST /api/plugins/rallymonitor-openstack-app/settings': { status: 200, data: {} } },
    });
    const url = screen.getByLabelText(/^Runner URL/);
    await user.clear(url);
    await user.type(url, 'https://elsewhere.example:9101');
    expect(screen.getByText(/clears the stored token/)).toBeInTheDocument();
    expect(screen.queryByDisplayValue('configured')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(backend.requests[0]!.data.jsonData).toEqual({
      runnerUrl: 'https://elsewhere.example:9101',
      allowInsecureHttp: false,
    });
    expect(backend.requests[0]!.data.secureJsonData).toEqual({ runnerToken: '' });
  });

  it('sends the token typed for the new URL with it', async () => {
    const { user, backend } = renderPage(<AppConfig {...props({ runnerUrl: 'https://runner:9101' }, true)} />, {
      role: OrgRole.Admin,
      backend: { 'POST /api/plugins/rallymonitor-openstack-app/settings': { status: 200, data: {} } },
    });
    const url = screen.getByLabelText(/^Runner URL/);
    await user.clear(url);
    await user.type(url, 'https://runner2:9101');
    await user.type(screen.getByPlaceholderText('Token'), 'n3w');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(backend.requests[0]!.data.secureJsonData).toEqual({ runnerToken: 'n3w' });
  });

  it('refuses plain http to another host unless plain http is explicitly allowed', async () => {
    const { user, backend } = renderPage(<AppConfig {...props()} />, {
      role: OrgRole.Admin,
      backend: { 'POST /api/plugins/rallymonitor-openstack-app/settings': { status: 200, data: {} } },
    });
    await user.type(screen.getByLabelText(/^Runner URL/), 'http://runner:9101');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByText(/Use https:\/\/ for a runner on another host/)).toBeInTheDocument();
    expect(backend.requests).toHaveLength(0);

    await user.click(screen.getByLabelText(/Allow plain http/));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(backend.requests[0]!.data.jsonData).toEqual({ runnerUrl: 'http://runner:9101', allowInsecureHttp: true });
  });

  it('flags a saved plain-http URL to another host when the page opens, and keeps it once allowed', () => {
    const { unmount } = renderPage(<AppConfig {...props({ runnerUrl: 'http://rally-runner:9101' }, true)} />, {
      role: OrgRole.Admin,
    });
    expect(screen.getByText(/Use https:\/\/ for a runner on another host/)).toBeInTheDocument();
    unmount();
    renderPage(<AppConfig {...props({ runnerUrl: 'http://rally-runner:9101', allowInsecureHttp: true }, true)} />, {
      role: OrgRole.Admin,
    });
    expect(screen.queryByText(/Use https:\/\/ for a runner on another host/)).not.toBeInTheDocument();
    expect(screen.getByLabelText(/Allow plain http/)).toBeChecked();
  });

  it('takes the provisioned opt-in as the string Grafana expands it to, and nothing else as yes', () => {
    renderPage(<AppConfig {...props({ runnerUrl: 'http://rally-runner:9101', allowInsecureHttp: 'true' }, true)} />, {
      role: OrgRole.Admin,
    });
    expect(screen.queryByText(/Use https:\/\/ for a runner on another host/)).not.toBeInTheDocument();
    for (const value of ['', 'false', '${RALLY_MONITOR_ALLOW_INSECURE_HTTP}', 'yes', undefined, false]) {
      expect(allowsInsecureHttp(value)).toBe(false);
    }
    expect(allowsInsecureHttp(' TRUE ')).toBe(true);
  });

  it('accepts plain http to this machine (loopback) without the opt-in', () => {
    for (const url of ['http://localhost:9101', 'http://127.0.0.1:9101', 'http://[::1]:9101', 'https://runner:9101']) {
      expect(validateRunnerUrl(url, false)).toBeUndefined();
    }
    for (const url of [
      'http://runner:9101',
      'http://10.0.0.5:9101',
      'http://localhost.evil.example:9101',
      'http://127.0.0.1.nip.io',
    ]) {
      expect(validateRunnerUrl(url, false)).toMatch(/https/);
      expect(validateRunnerUrl(url, true)).toBeUndefined();
    }
  });

  it("tests the connection through the proxy and reports the runner's health", async () => {
    const { user, backend } = renderPage(<AppConfig {...props({ runnerUrl: 'http://runner:9101' }, true)} />, {
      role: OrgRole.Admin,
      backend: { 'GET /health': { status: 200, data: r.health }, 'GET /api/history': { status: 200, data: r.history } },
    });
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByText('Connected to the runner')).toBeInTheDocument();
    expect(screen.getByText(new RegExp(r.health.lastCycleId!))).toBeInTheDocument();
    expect(backend.requests.map((q) => q.url)).toEqual([
      'api/plugin-proxy/rallymonitor-openstack-app/runner/health',
      'api/plugin-proxy/rallymonitor-openstack-app/runner/api/history?limit=1',
    ]);
  });

  it('says what is wrong when the runner cannot be reached', async () => {
    const { user } = renderPage(<AppConfig {...props({ runnerUrl: 'http://runner:9101' })} />, {
      role: OrgRole.Admin,
      backend: { 'GET /health': { status: 502, data: {} } },
    });
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByText('Connection failed')).toBeInTheDocument();
    expect(screen.getByText(/Grafana could not connect to the runner URL/)).toBeInTheDocument();
    expect(screen.getByText(/save first after a change/)).toBeInTheDocument();
  });

  it('says the token is wrong when a runner that protects reads answers 401', async () => {
    const { user } = renderPage(<AppConfig {...props({ runnerUrl: 'http://runner:9101' }, true)} />, {
      role: OrgRole.Admin,
      backend: { 'GET /health': { status: 200, data: r.health }, 'GET /api/history': { status: 401, data: {} } },
    });
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByText('The runner rejected the token.')).toBeInTheDocument();
    expect(screen.getByText(/set the Runner token to the runner's RALLY_MONITOR_API_TOKEN/)).toBeInTheDocument();
  });
});
