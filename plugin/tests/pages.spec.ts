import { expect, PROMETHEUS_FAILURE, RUNNER_FAILURE, SKIP_REASON, STATE_WORD, test, testedServices } from './fixtures';

test.skip(!process.env.GRAFANA_URL, SKIP_REASON);

// Each page is checked against what the runner itself answers through Grafana's proxy. A runner error on the page
// fails the spec: "Runner unreachable" is not a pass.
test.describe('app pages', () => {
  test('without a runner URL, every page says how to configure it', async ({ gotoPage, page, runner }) => {
    test.skip(runner.configured, 'a runner is configured: the other specs check the pages against it');
    await gotoPage('/overview');
    await expect(page.getByText('Runner not configured')).toBeVisible();
    await expect(page.getByText(/set the Runner URL, save/)).toBeVisible();
  });

  test('Overview lists every service the latest cycle tested, with its state and a timeline lane', async ({
    gotoPage,
    page,
    runner,
  }) => {
    test.skip(!runner.configured, 'no runner URL in the app settings');
    await gotoPage('/overview');
    if (!runner.latest) {
      await expect(page.getByText('No cycle yet')).toBeVisible();
      return;
    }
    const tested = testedServices(runner.latest);
    expect(tested.length).toBeGreaterThan(0);
    for (const service of tested) {
      const row = page.getByTestId(`service-row-${service.service}`);
      await expect(row).toBeVisible();
      await expect(row).toContainText(STATE_WORD[service.state as keyof typeof STATE_WORD]);
      await expect(page.getByTestId(`timeline-lane-${service.service}`)).toBeVisible();
    }
    await expect(page.locator('[data-testid^="service-row-"]')).toHaveCount(tested.length);
    await expect(page.getByRole('link', { name: runner.latest.id })).toBeVisible();
    // The e2e user is an Admin.
    await expect(page.getByRole('button', { name: /Run now|Cycle running/ })).toBeVisible();
    await expect(page.getByText(RUNNER_FAILURE)).toHaveCount(0);
  });

  test("a run's page shows every workload of every service it tested", async ({ gotoPage, page, runner }) => {
    test.skip(!runner.latest, 'the runner has not completed a cycle yet');
    const cycle = runner.latest!;
    await gotoPage(`/runs/${cycle.id}`);
    for (const service of testedServices(cycle)) {
      const section = page.getByTestId(`run-service-${service.service}`);
      await expect(section).toBeVisible();
      for (const workload of service.workloads) {
        await expect(section.getByTestId(`workload-${workload.key}`)).toBeVisible();
      }
    }
    await expect(page.getByText(RUNNER_FAILURE)).toHaveCount(0);
  });

  test('Runs lists the latest cycle under its service filter', async ({ gotoPage, page, runner }) => {
    test.skip(!runner.latest, 'the runner has not completed a cycle yet');
    const cycle = runner.latest!;
    const service = testedServices(cycle)[0]!.service;
    const from = Date.parse(cycle.startedAt) - 60_000;
    const to = Date.parse(cycle.finishedAt) + 60_000;
    await gotoPage(`/runs?service=${service}&from=${from}&to=${to}`);
    const table = page.getByRole('table', { name: 'Runs' });
    await expect(table).toBeVisible();
    await expect(table.getByTestId(`run-row-${cycle.id}`)).toBeVisible();
    await expect(page.getByText(RUNNER_FAILURE)).toHaveCount(0);
  });

  test("the Service page shows the latest cycle's workloads of the service", async ({ gotoPage, page, runner }) => {
    test.skip(!runner.latest, 'the runner has not completed a cycle yet');
    const service = testedServices(runner.latest!)[0]!;
    await gotoPage(`/service/${service.service}`);
    await expect(page.getByRole('heading', { name: service.service })).toBeVisible();
    const table = page.getByRole('table', { name: 'Workloads' });
    for (const workload of service.workloads) {
      await expect(table.getByTestId(`workload-${workload.key}`)).toBeVisible();
    }
    await expect(page.getByRole('heading', { name: 'Atomic action latency' })).toBeVisible();
    await expect(page.getByText(RUNNER_FAILURE)).toHaveCount(0);
  });

  test('Cleanup shows exactly the leaks the runner reports, and the audit log', async ({ gotoPage, page, runner }) => {
    test.skip(!runner.configured, 'no runner URL in the app settings');
    await gotoPage('/cleanup');
    if (runner.leaks > 0) {
      await expect(page.getByRole('table', { name: 'Leaked resources' })).toBeVisible();
      await expect(page.locator('[data-testid^="leak-"]')).toHaveCount(runner.leaks);
    } else {
      await expect(page.getByText('No leaked resources')).toBeVisible();
    }
    await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
    await expect(page.getByText(RUNNER_FAILURE)).toHaveCount(0);
  });

  test('Dataplane shows a cell per probed AZ pair, as Prometheus answers through the data source proxy', async ({
    gotoPage,
    page,
    dataplane,
  }) => {
    await gotoPage('/dataplane');
    if (dataplane.pairs.length === 0) {
      await expect(page.getByText('No canaries')).toBeVisible();
      return;
    }
    const matrix = page.getByRole('table', { name: 'Availability zone matrix' });
    await expect(matrix).toBeVisible();
    await expect(matrix.getByRole('columnheader')).toHaveText(['from \\ to', ...dataplane.zones]);
    for (const pair of dataplane.pairs) {
      await expect(
        matrix.getByRole('button', { name: new RegExp(`^${pair.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: p95 `) })
      ).toBeVisible();
    }
    await matrix.getByRole('button').first().click();
    await expect(page.getByTestId('pair-p95')).toBeVisible();
    await expect(page.getByText(PROMETHEUS_FAILURE)).toHaveCount(0);
  });

  test("Overview's dataplane lane says the mesh's state beside the services", async ({ gotoPage, page, dataplane }) => {
    await gotoPage('/overview');
    const lane = page.getByTestId('dataplane-lane');
    await expect(lane).toBeVisible();
    await expect(lane).toContainText(dataplane.pairs.length === 0 ? 'No canaries' : /OK|Degraded|Down/);
    await expect(page.getByText(PROMETHEUS_FAILURE)).toHaveCount(0);
  });
});
