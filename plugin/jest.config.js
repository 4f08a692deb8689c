// Tests run in UTC so that times rendered by components do not depend on the machine.
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const swcTransform = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  // Only unit tests under src/; test/ holds node:test scripts for the built dist/, tests/ the Grafana e2e specs.
  testMatch: ['<rootDir>/src/**/*.test.{ts,tsx}'],
  // The machine is shared and user-event drives real @grafana/ui components: allow for a slow moment.
  testTimeout: 30_000,
  // @grafana/ui pulls ESM-only packages shipped as .mjs (d3-color and friends); jest must transform them too.
  transform: {
    '^.+\\.(t|j)sx?$': swcTransform,
    '^.+\\.mjs$': swcTransform,
  },
};
