/** Options of the LangChain integration (`autolog(options)` and `new AutologCallbackHandler(options)`). */
export interface LangChainAutologOptions {
  /**
   * Record run inputs and outputs (messages, prompts, documents, tool arguments and results).
   * Default: the core setting (`init({ captureContent })`, env `AUTOLOG_CAPTURE_CONTENT`); env
   * override for this integration: `AUTOLOG_LANGCHAIN_CAPTURE_CONTENT`. Names, types, model,
   * parameters, token usage, timing and errors are always recorded.
   */
  captureContent?: boolean;
  /**
   * Record the runs LangChain marks as internal (tag `langsmith:hidden`: LangGraph's channel
   * writes, branches and start nodes). Default `false`: their children attach to the nearest
   * recorded ancestor. Env: `AUTOLOG_LANGCHAIN_HIDDEN_RUNS=true`.
   */
  recordHiddenRuns?: boolean;
}
