import { expect, SKIP_REASON, test } from './fixtures';

test.skip(!process.env.GRAFANA_URL, SKIP_REASON);

test('settings page shows the runner URL and token, and tests the connection', async ({ appConfigPage, page }) => {
  await expect(page.getByLabel('Runner URL')).toBeVisible();
  await expect(page.getByText('Runner token')).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  // Either outcome is a clear statement, never a blank or a stack trace.
  await expect(page.getByText(/Connected to the runner|Connected, but the runner is unhealthy|Connection failed/)).toBeVisible();
});
