import type { Panel } from '../panel';
import { burnupPanel } from './burnup';
import { calendarPanel } from './calendar';
import { restructuringsPanel } from './restructurings';
import { readinessPanel } from './readiness';
import 'uplot/dist/uPlot.min.css';
import './panels.css';

/** The dashboard's panels, in page order (the shell renders each into `#panel-<id>`). */
export const PANELS: Panel[] = [burnupPanel, calendarPanel, restructuringsPanel, readinessPanel];
