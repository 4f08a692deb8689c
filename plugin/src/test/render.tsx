import React from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { render, RenderResult } from '@testing-library/react';
import userEvent, { UserEvent } from '@testing-library/user-event';
import { OrgRole } from '@grafana/data';
import { config, locationService } from '@grafana/runtime';

import { FakeBackend, Routes as BackendRoutes, setupFakeBackend } from './backend';

export interface RenderOptions {
  /** The app-relative URL, e.g. "runs?service=nova". */
  route?: string;
  /** The react-router pattern the component is mounted at, e.g. "runs/:id". */
  path?: string;
  role?: OrgRole;
  backend?: BackendRoutes;
}

export interface Rendered extends RenderResult {
  user: UserEvent;
  backend: FakeBackend;
}

export function setRole(role: OrgRole) {
  config.bootData.user = { ...config.bootData.user, orgRole: role, isGrafanaAdmin: false };
}

/** Renders a page as Grafana would mount it under /a/<app>/, as a given org role, against a fake runner proxy. */
export function renderPage(ui: React.ReactElement, options: RenderOptions = {}): Rendered {
  setRole(options.role ?? OrgRole.Viewer);
  const backend = setupFakeBackend(options.backend ?? {});
  const route = options.route ?? '';
  const result = render(
    <MemoryRouter initialEntries={[`/${route}`]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <Routes>
        <Route path={options.path ?? '*'} element={ui} />
      </Routes>
    </MemoryRouter>
  );
  return { ...result, user: userEvent.setup(), backend };
}

export function locationPushSpy() {
  return jest.spyOn(locationService, 'push').mockImplementation(() => {});
}
