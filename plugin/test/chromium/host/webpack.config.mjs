import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HOST_OUTPUT_DIR = path.resolve(here, '../../../node_modules/.cache/rally-monitor-chromium-host');

/** Bundles the host page's shared modules once; the filesystem cache makes later builds quick. */
export default {
  // Production React, as in Grafana (the development build is several times slower); no minifying, to build fast.
  mode: 'production',
  optimization: { minimize: false },
  devtool: false,
  context: here,
  entry: { host: './host.tsx' },
  output: { path: HOST_OUTPUT_DIR, filename: '[name].js', clean: false },
  cache: {
    type: 'filesystem',
    cacheDirectory: path.join(HOST_OUTPUT_DIR, '.webpack-cache'),
    buildDependencies: { config: [fileURLToPath(import.meta.url)] },
  },
  resolve: {
    extensions: ['.tsx', '.ts', '.mjs', '.js'],
    // Grafana's shell sets the PluginPage implementation through an internal setter that the package does not export.
    alias: {
      'grafana-runtime-plugin-page$': path.resolve(
        here,
        '../../../../node_modules/@grafana/runtime/dist/esm/components/PluginPage.mjs'
      ),
    },
  },
  module: {
    rules: [
      {
        test: /\.tsx?$/,
        exclude: /node_modules/,
        use: {
          loader: 'swc-loader',
          options: { jsc: { target: 'es2020', parser: { syntax: 'typescript', tsx: true } }, module: { type: 'es6' } },
        },
      },
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(png|jpe?g|gif|svg|woff2?|eot|ttf|otf)$/, type: 'asset/inline' },
    ],
  },
  performance: { hints: false },
  stats: 'errors-only',
};
