/* The second pass over a trace header that generates the tracepoints' code in a real kernel
 * (CREATE_TRACE_POINTS). The shim's tracepoints are plain functions: nothing to generate. */
