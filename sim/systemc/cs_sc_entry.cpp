// libsystemc.so carries a main() that calls sc_main(). chansim's programs have their own main()
// and elaborate through cs_sc_run(), but the shared library still needs the symbol resolved in
// every program that links it, so each one compiles this file (an INTERFACE source).
#include <cstdio>

extern "C" int sc_main(int, char **)
{
    std::fputs("chansim: sc_main is not an entry point of chansim\n", stderr);
    return 2;
}
