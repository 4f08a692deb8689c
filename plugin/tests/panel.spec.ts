import { expect, SKIP_REASON, test, testedServices } from './fixtures';

test.skip(!process.env.GRAFANA_URL, SKIP_REASON);

test('the status timeline panel can be chosen in the panel editor', async ({ panelEditPage }) => {
  await panelEditPage.setVisualization('Rally status timeline');
  await expect(panelEditPage.getVisualizationName()).toHaveText('Rally status timeline');
});

// The Overview dashboard's timeline, on the provisioned Prometheus that scrapes the runner: a lane per service the
// runner tested, named by the panel's legend format "{{service}} ({{cloud}}/{{region}})".
test("the Overview dashboard's timeline draws a lane per tested service of the runner's cloud and region", async ({
  gotoDashboardPage,
  page,
  request,
  runner,
}) => {
  test.skip(!runner.latest, 'no runner with a completed cycle behind the app');
  const datasource = await request.get('/api/datasources/uid/rally-prometheus');
  test.skip(!datasource.ok(), 'the rally-prometheus data source (provisioning/datasources) is not provisioned');
  const cycle = runner.latest!;
  await gotoDashboardPage({
    uid: 'rally-overview',
    queryParams: new URLSearchParams({
      'var-cloud': cycle.cloud,
      'var-region': cycle.region,
      from: 'now-24h',
      to: 'now',
    }),
  });
  const timeline = page.getByTestId('status-timeline').first();
  await expect(timeline).toBeVisible({ timeout: 30_000 });
  for (const service of testedServices(cycle)) {
    const lane = timeline.getByTestId(`timeline-lane-${service.service} (${cycle.cloud}/${cycle.region})`);
    await expect(lane).toBeVisible();
    await expect(lane.locator('rect[data-state]:not([data-state="nodata"])').first()).toBeVisible();
  }
});
