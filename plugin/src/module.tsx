import { AppPlugin } from '@grafana/data';

import { App } from './components/App/App';
import { AppConfig, AppSettings } from './components/AppConfig/AppConfig';

export const plugin = new AppPlugin<AppSettings>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
