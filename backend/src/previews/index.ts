export { PreviewClient, type PreviewFile, type PreviewTemplateFiles } from './preview-client';
export { PreviewTokens } from './preview-tokens';
export { MemoryPreviewRegistry, type PreviewRegistry, type SharedPreview } from './preview-registry';
export { RoomPreviews, type PreviewClients, type QuestionFiles, type RoomPreviewsOptions } from './room-previews';
