import type { GapStyle } from '../../components/StatusTimeline/StatusTimeline';

export interface StatusTimelineOptions {
  passColor: string;
  failColor: string;
  errorColor: string;
  showUptime: boolean;
  showLegend: boolean;
  gapStyle: GapStyle;
  /** A sample stays valid this long when the next one is missing; 0 means twice the series' own interval. */
  maxGapSeconds: number;
}

export const defaultOptions: StatusTimelineOptions = {
  passColor: 'green',
  failColor: 'red',
  errorColor: 'gray',
  showUptime: true,
  showLegend: true,
  gapStyle: 'hatched',
  maxGapSeconds: 0,
};
