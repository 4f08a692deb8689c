import type { GapStyle } from '../../components/StatusTimeline/StatusTimeline';

export interface StatusTimelineOptions {
  passColor: string;
  failColor: string;
  errorColor: string;
  /** Maintenance (status 2: a query such as `2 * (rally_service_maintenance == 1) or rally_service_status`). */
  maintenanceColor: string;
  showUptime: boolean;
  showLegend: boolean;
  gapStyle: GapStyle;
  /** The longest interval between two samples that still joins them (see SegmentOptions); 0: twice the series' step. */
  maxGapSeconds: number;
}

export const defaultOptions: StatusTimelineOptions = {
  passColor: 'green',
  failColor: 'red',
  errorColor: 'gray',
  maintenanceColor: 'blue',
  showUptime: true,
  showLegend: true,
  gapStyle: 'hatched',
  maxGapSeconds: 0,
};
