import { expect, SKIP_REASON, test } from './fixtures';

test.skip(!process.env.GRAFANA_URL, SKIP_REASON);

test.describe('app pages', () => {
  test('Overview lists services or says why not', async ({ gotoPage, page }) => {
    await gotoPage('/overview');
    await expect(
      page.locator('[data-testid^="service-row-"]').first().or(page.getByText(/No cycle yet|Runner unreachable|Runner not configured/))
    ).toBeVisible();
    // The e2e user is an Admin.
    await expect(page.getByRole('button', { name: /Run now|Cycle running/ })).toBeVisible();
  });

  test('Runs filters by service through the URL', async ({ gotoPage, page }) => {
    await gotoPage('/runs?service=keystone');
    await expect(page.getByText('keystone').first()).toBeVisible();
    await expect(page.getByRole('table', { name: 'Runs' }).or(page.getByText(/No cycles match|Runner unreachable/))).toBeVisible();
  });

  test('Service page shows scenarios of keystone', async ({ gotoPage, page }) => {
    await gotoPage('/service/keystone');
    await expect(page.getByRole('heading', { name: 'keystone' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Atomic action latency' })).toBeVisible();
  });

  test('Cleanup shows the leaks or that there are none, and the audit log', async ({ gotoPage, page }) => {
    await gotoPage('/cleanup');
    await expect(
      page.getByRole('table', { name: 'Leaked resources' }).or(page.getByText(/No leaked resources|Runner unreachable/))
    ).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  });
});
