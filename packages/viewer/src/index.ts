export type { ViewerLogger, ViewerOptions } from './server/options.js';
export { startViewer, type Viewer } from './server/start-viewer.js';
export { ViewerError, type ViewerErrorCode } from './server/viewer-error.js';
