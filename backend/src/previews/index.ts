export { PreviewClient, type PreviewFile, type PreviewTemplateFiles } from './preview-client';
export { PreviewTokens } from './preview-tokens';
export { RoomPreviews, type RoomPreviewsOptions } from './room-previews';
