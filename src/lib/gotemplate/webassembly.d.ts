// The WebAssembly global as this module uses it. TypeScript declares it only in the DOM lib, which a Node
// project does not load; these are the few members the engine touches.
declare namespace WebAssembly {
  class Module {
    private readonly __module: never;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    readonly exports: Record<string, unknown>;
  }
  type Imports = Record<string, Record<string, unknown>>;
  function compile(bytes: Uint8Array): Promise<Module>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}
