import React from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';

import { ROUTES } from '../../constants';
import { Cleanup } from '../../pages/Cleanup/Cleanup';
import { Overview } from '../../pages/Overview/Overview';
import { RunDetail } from '../../pages/Runs/RunDetail';
import { Runs } from '../../pages/Runs/Runs';
import { Service } from '../../pages/Service/Service';

export function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Overview} element={<Overview />} />
      <Route path={`${ROUTES.Service}/:service`} element={<Service />} />
      <Route path={ROUTES.Runs} element={<Runs />} />
      <Route path={`${ROUTES.Runs}/:id`} element={<RunDetail />} />
      <Route path={ROUTES.Cleanup} element={<Cleanup />} />
      <Route path="*" element={<Navigate to={ROUTES.Overview} replace />} />
    </Routes>
  );
}

export default App;
