// dcmjs ships no type declarations; these cover the calls src/core/interop makes.
declare module 'dcmjs' {
  type Dataset = Record<string, unknown>;
  interface DicomDictInstance {
    meta: Record<string, unknown>;
    dict: Record<string, unknown>;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  const dcmjs: {
    log: { setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void };
    data: {
      DicomMessage: {
        readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DicomDictInstance;
      };
      DicomDict: new (meta: Record<string, unknown>) => DicomDictInstance;
      DicomMetaDictionary: {
        naturalizeDataset(dict: Record<string, unknown>): Dataset;
        denaturalizeDataset(ds: Dataset): Record<string, unknown>;
        namifyDataset(dict: Record<string, unknown>): Dataset;
        dictionary: Record<string, { tag: string; vr: string; name: string }>;
        nameMap: Record<string, { tag: string; vr: string; name: string }>;
        punctuateTag(raw: string): string;
        unpunctuateTag(tag: string): string;
      };
    };
  };
  export default dcmjs;
}
