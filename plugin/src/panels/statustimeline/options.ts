import type { GapStyle } from '../../components/StatusTimeline/StatusTimeline';

export interface StatusTimelineOptions {
  passColor: string;
  failColor: string;
  errorColor: string;
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
  showUptime: true,
  showLegend: true,
  gapStyle: 'hatched',
  maxGapSeconds: 0,
};
