import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';

import { queryOf } from '../../test/backend';
import { dataplaneRoutes, recordedDataplane } from '../../test/recorded';
import { renderPage } from '../../test/render';
import { Dataplane } from './Dataplane';

const mesh = recordedDataplane('mesh.json');
const PROXY = 'api/datasources/proxy/uid/rally-prometheus/api/v1/';

describe('Dataplane page on answers recorded from real canary agents', () => {
  it('draws the AZ x AZ matrix, coloured by p95, marking the lossy and unreachable pairs', async () => {
    const { backend } = renderPage(<Dataplane />, { route: 'dataplane', backend: dataplaneRoutes(mesh) });
    const matrix = await screen.findByRole('table', { name: 'Availability zone matrix' });
    const columns = within(matrix)
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    expect(columns).toEqual(['from \\ to', 'dc1 / az1', 'dc1 / az2', 'dc2 / az3']);
    const healthy = within(matrix).getByRole('button', {
      name: /^dc1 \/ az1 to dc1 \/ az2: p95 [\d.]+ ms, loss 0\.0%$/,
    });
    expect(healthy).toHaveAttribute('data-level', 'fast');
    expect(healthy).not.toHaveAttribute('data-lossy');
    const broken = within(matrix).getByRole('button', {
      name: /^dc1 \/ az1 to dc2 \/ az3: .*loss \d+\.\d%.*unreachable/,
    });
    expect(broken).toHaveAttribute('data-lossy', 'true');
    expect(broken).toHaveTextContent(/loss \d+\.\d%/);
    expect(broken).toHaveTextContent(/unreachable/);
    // A zone never probes itself unless it has two canaries: dc1/az2 has one, its diagonal cell is empty.
    expect(within(matrix).queryByRole('button', { name: /^dc1 \/ az2 to dc1 \/ az2/ })).not.toBeInTheDocument();
    expect(within(matrix).getByRole('button', { name: /^dc1 \/ az1 to dc1 \/ az1/ })).toBeInTheDocument();
    // Every request went through Grafana's data source proxy of the provisioned data source, as GET.
    expect(backend.requests.length).toBeGreaterThanOrEqual(3);
    for (const request of backend.requests) {
      expect(request.url.startsWith(PROXY)).toBe(true);
      expect(request.method).toBe('GET');
    }
    expect(screen.getByTestId('dataplane-summary')).toHaveTextContent(/2 of 7 pairs unreachable/);
  });

  it("opens a pair's latency and loss over time when its cell is clicked", async () => {
    const { user, backend } = renderPage(<Dataplane />, { route: 'dataplane', backend: dataplaneRoutes(mesh) });
    const broken = await screen.findByRole('button', { name: /^dc1 \/ az1 to dc2 \/ az3:/ });
    await user.click(broken);
    const history = await screen.findByRole('region', { name: 'dc1 / az1 to dc2 / az3 over time' });
    // The recording's last loss of that pair, as the page must show it.
    const loss = mesh.range.find((r) => r.query.includes('dst_az="az3"') && r.query.includes('result!="ok"'))!;
    const values = (loss.body as { data: { result: Array<{ values: Array<[number, string]> }> } }).data.result[0]!
      .values;
    const latest = Number(values[values.length - 1]![1]);
    await waitFor(() =>
      expect(within(history).getByTestId('pair-loss')).toHaveTextContent(`latest ${(latest * 100).toFixed(1)}%`)
    );
    expect(within(history).getByTestId('pair-p95')).toHaveTextContent(/latest [\d.]+ ms/);
    expect(within(history).getAllByRole('img').length).toBe(2);
    const rangeRequest = backend.requests.find((r) => r.url.includes('/query_range'))!;
    expect(queryOf(rangeRequest).get('query')).toContain('src_az="az1"');
    expect(Number(queryOf(rangeRequest).get('step'))).toBeGreaterThan(0);
  });

  it('says clearly that there are no canaries when Prometheus has none', async () => {
    renderPage(<Dataplane />, { route: 'dataplane', backend: dataplaneRoutes(recordedDataplane('empty.json')) });
    expect(await screen.findByText('No canaries')).toBeInTheDocument();
    expect(screen.getByText(/rally-monitor canary deploy/)).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Availability zone matrix' })).not.toBeInTheDocument();
  });

  it('names the missing data source and how to fix it when Grafana has no such data source', async () => {
    // What Grafana's data source proxy answers for an unknown uid (ProxyDatasourceRequestWithUID: 404).
    renderPage(<Dataplane />, { route: 'dataplane', backend: {} });
    expect(await screen.findByText('Prometheus data source not found')).toBeInTheDocument();
    expect(screen.getByText(/no data source with uid "rally-prometheus"/)).toBeInTheDocument();
  });

  it('queries the data source the app is configured with', async () => {
    const { backend } = renderPage(<Dataplane prometheusUid="other-prom" />, {
      route: 'dataplane',
      backend: dataplaneRoutes(mesh, 'other-prom'),
    });
    await screen.findByRole('table', { name: 'Availability zone matrix' });
    expect(backend.requests.every((r) => r.url.startsWith('api/datasources/proxy/uid/other-prom/'))).toBe(true);
  });
});
