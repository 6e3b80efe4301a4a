/* Tracepoints. TRACE_EVENT(name, ...) declares trace_<name>(proto), which calls
 * ks_tp_<name>(args): the shim implements the tracepoints it knows (guest/kshim/runtime/
 * ks_trace.c) by writing the record to the trace in the payload docs/trace-format.md gives
 * them, as the ftrace import would. The TP_STRUCT__entry, TP_fast_assign and TP_printk parts
 * describe the ring-buffer format of a real kernel, which the shim does not have. */
#ifndef _LINUX_TRACEPOINT_H
#define _LINUX_TRACEPOINT_H
#define TP_PROTO(args...) args
#define TP_ARGS(args...)  args
#define TRACE_EVENT(name, proto, args, tstruct, assign, print)                                     \
    void ks_tp_##name(proto);                                                                      \
    static inline void trace_##name(proto)                                                         \
    {                                                                                              \
        ks_tp_##name(args);                                                                        \
    }
#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define DEFINE_EVENT(template, name, proto, args)                                                  \
    void ks_tp_##name(proto);                                                                      \
    static inline void trace_##name(proto)                                                         \
    {                                                                                              \
        ks_tp_##name(args);                                                                        \
    }
#endif
