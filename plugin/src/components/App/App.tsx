import React from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { QueryClientProvider } from '@tanstack/react-query';
import { AppRootProps } from '@grafana/data';

import { DEFAULT_PROMETHEUS_UID } from '../../api/prometheusApi';
import { ROUTES } from '../../constants';
import { queryClient } from '../../data/queryClient';
import { Cleanup } from '../../pages/Cleanup/Cleanup';
import { Dataplane } from '../../pages/Dataplane/Dataplane';
import { Maintenance } from '../../pages/Maintenance/Maintenance';
import { Overview } from '../../pages/Overview/Overview';
import { RunDetail } from '../../pages/Runs/RunDetail';
import { Runs } from '../../pages/Runs/Runs';
import { Service } from '../../pages/Service/Service';
import type { AppSettings } from '../AppConfig/AppConfig';

export function App({ meta }: AppRootProps<AppSettings>) {
  // The Prometheus that scrapes the canaries: the provisioned one unless the settings name another.
  const prometheusUid = meta?.jsonData?.prometheusUid?.trim() || DEFAULT_PROMETHEUS_UID;
  // One cache for every page, kept while the user moves between them.
  return (
    <QueryClientProvider client={queryClient}>
      <Routes>
        <Route path={ROUTES.Overview} element={<Overview prometheusUid={prometheusUid} />} />
        <Route path={`${ROUTES.Service}/:service`} element={<Service />} />
        <Route path={ROUTES.Runs} element={<Runs />} />
        <Route path={`${ROUTES.Runs}/:id`} element={<RunDetail />} />
        <Route path={ROUTES.Cleanup} element={<Cleanup />} />
        <Route path={ROUTES.Dataplane} element={<Dataplane prometheusUid={prometheusUid} />} />
        <Route path={ROUTES.Maintenance} element={<Maintenance />} />
        <Route path="*" element={<Navigate to={ROUTES.Overview} replace />} />
      </Routes>
    </QueryClientProvider>
  );
}

export default App;
