// Public API of @modelwire/ai-sdk.
export { createModelwire, type ModelwireProvider, type ModelwireProviderClientOptions, type ModelwireProviderSettings } from './create-modelwire.js';
export { ModelwireLanguageModel } from './model/modelwire-language-model.js';
export { PROVIDER_OPTION_NAMESPACES, type ModelwireProviderOptions } from './request/provider-options.js';
export { PROVIDER_METADATA_KEY } from './stream/stream-parts.js';
