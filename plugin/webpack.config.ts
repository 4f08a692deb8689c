import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

// The scaffold copies the app's logos only; the nested panel's img/ must be copied too. The dashboards have one
// source, dashboards/ at the repository root, shared with Grafana's file provider: the build copies them in.
const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  return {
    ...base,
    plugins: [
      ...(base.plugins ?? []),
      new CopyWebpackPlugin({
        patterns: [
          { from: 'panels/*/img/*', to: '.' },
          { from: '../../dashboards/*.json', to: 'dashboards/[name][ext]' },
          // The alerts' runbook_url points here by default (alerts/generate-rules.mjs): Grafana serves plugin files.
          { from: '../../docs/runbooks/*.md', to: 'runbooks/[name][ext]' },
        ],
      }),
    ],
  };
};

export default config;
