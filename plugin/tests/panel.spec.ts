import { expect, SKIP_REASON, test } from './fixtures';

test.skip(!process.env.GRAFANA_URL, SKIP_REASON);

test('the status timeline panel can be chosen and renders lanes or says there are none', async ({ panelEditPage, page }) => {
  await panelEditPage.setVisualization('Rally status timeline');
  await expect(panelEditPage.getVisualizationName()).toHaveText('Rally status timeline');
  await expect(page.getByTestId('status-timeline').or(page.getByText('No status series in this time range.'))).toBeVisible();
});
