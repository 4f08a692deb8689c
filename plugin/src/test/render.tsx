import React from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, RenderResult } from '@testing-library/react';
import userEvent, { UserEvent } from '@testing-library/user-event';
import { OrgRole } from '@grafana/data';
import { config, locationService } from '@grafana/runtime';

import { createQueryClient } from '../data/queryClient';
import { FakeBackend, Routes as BackendRoutes, setupFakeBackend } from './backend';

export interface RenderOptions {
  /** The app-relative URL, e.g. "runs?service=nova". */
  route?: string;
  /** The react-router pattern the component is mounted at, e.g. "runs/:id". */
  path?: string;
  role?: OrgRole;
  backend?: BackendRoutes;
  /** Shared by several renders to test what the cache keeps; a fresh one by default. */
  queryClient?: QueryClient;
}

/** How often tests poll the health while a cycle runs: quick, so a test follows a whole cycle in real time. */
export const TEST_CYCLE_POLL_MS = 20;

/** A fresh cache per test, retry off, as grafana/synthetic-monitoring-app's render helper (src/test/render.tsx) makes. */
export function testQueryClient(): QueryClient {
  return createQueryClient({ cyclePollMs: TEST_CYCLE_POLL_MS });
}

export interface Rendered extends RenderResult {
  user: UserEvent;
  backend: FakeBackend;
  queryClient: QueryClient;
}

export function setRole(role: OrgRole) {
  config.bootData.user = { ...config.bootData.user, orgRole: role, isGrafanaAdmin: false };
}

/** Renders a page as Grafana would mount it under /a/<app>/, as a given org role, against a fake runner proxy. */
export function renderPage(ui: React.ReactElement, options: RenderOptions = {}): Rendered {
  setRole(options.role ?? OrgRole.Viewer);
  const backend = setupFakeBackend(options.backend ?? {});
  const route = options.route ?? '';
  const queryClient = options.queryClient ?? testQueryClient();
  const result = render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[`/${route}`]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Routes>
          <Route path={options.path ?? '*'} element={ui} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>
  );
  return { ...result, user: userEvent.setup(), backend, queryClient };
}

export function locationPushSpy() {
  return jest.spyOn(locationService, 'push').mockImplementation(() => {});
}
