import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';
import { dirname } from 'node:path';

const pluginE2eAuth = `${dirname(require.resolve('@grafana/plugin-e2e'))}/auth`;

/**
 * The Grafana e2e specs need a running Grafana with this plugin installed and configured (GRAFANA_URL) and
 * Playwright's own browsers (`npx playwright install chromium`). Without GRAFANA_URL every spec skips, saying why.
 */
export default defineConfig<PluginOptions>({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 2 : 0,
  reporter: 'list',
  use: {
    baseURL: process.env.GRAFANA_URL,
    trace: 'on-first-retry',
  },
  projects: process.env.GRAFANA_URL
    ? [
        { name: 'auth', testDir: pluginE2eAuth, testMatch: [/.*\.js/] },
        {
          name: 'chromium',
          use: { ...devices['Desktop Chrome'], storageState: 'playwright/.auth/admin.json' },
          dependencies: ['auth'],
        },
      ]
    : [{ name: 'chromium' }],
});
