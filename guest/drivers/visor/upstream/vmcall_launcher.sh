#!/bin/sh
# C compiler launcher for unmodified upstream code that issues the x86 VMCALL instruction with
# inline assembly (`.byte 0x00f, 0x001, 0x0c1` in visorchipset.c's unisys_vmcall). A VMCALL in a
# user process does not trap reliably (SIGSEGV on AMD under KVM, -KVM_EPERM in RAX without a trap
# on Intel), so the object is compiled to assembly, exactly that line of each inline-assembly
# block is replaced by `call ks_vmcall_thunk` (guest/kshim/runtime/ks_x86.c: the instruction's
# register contract around ks_vmcall) and the result is assembled. docs/kernel-shim.md.
#
#   vmcall_launcher.sh [--expect <source file name>=<count>]... -- <compiler> <arguments>...
#
# A source named by --expect must hold exactly <count> such VMCALLs (asm statements: copies the
# compiler made by inlining count once when it emits line information, as with -g), every
# other source none;
# a VMCALL in any other spelling (the mnemonic, other .byte forms) fails the build too, as does
# a compile that is not `-c <file>.c -o <object>`.
set -eu

fail() {
    echo "vmcall_launcher: $*" >&2
    exit 1
}

expect=""
while [ $# -gt 0 ]; do
    case "$1" in
    --expect)
        [ $# -ge 2 ] || fail "--expect needs <source file name>=<count>"
        expect="$expect $2"
        shift 2
        ;;
    --)
        shift
        break
        ;;
    *) fail "unknown option '$1' (usage: vmcall_launcher.sh [--expect file.c=N]... -- cc args...)" ;;
    esac
done
[ $# -gt 0 ] || fail "no compiler command after --"

# Find the object, the source and -c; anything else (a link, -E, -S) runs unchanged.
obj=""
src=""
has_c=0
prev=""
for a in "$@"; do
    case "$prev" in
    -o) obj="$a" ;;
    esac
    case "$a" in
    -c) has_c=1 ;;
    *.c) [ "$prev" = "-o" ] || [ "$prev" = "-MF" ] || [ "$prev" = "-MT" ] || src="$a" ;;
    esac
    prev="$a"
done
if [ "$has_c" -ne 1 ] || [ -z "$obj" ] || [ -z "$src" ]; then
    exec "$@"
fi

base=$(basename "$src")
want=0
for e in $expect; do
    case "$e" in
    "$base="*) want="${e#*=}" ;;
    esac
done

asm="$obj.vmcall.s"
# The same command with -S for -c and the assembly file for the object.
first=1
prev=""
for a in "$@"; do
    if [ "$first" -eq 1 ]; then
        set --
        first=0
    fi
    if [ "$prev" = "-o" ]; then
        set -- "$@" "$asm"
    elif [ "$a" = "-c" ]; then
        set -- "$@" -S
    else
        set -- "$@" "$a"
    fi
    prev="$a"
done
cc="$1"
"$@"

# Inside #APP ... #NO_APP (the compiler's markers around inline assembly): count the exact
# line, and every .byte run or mnemonic that encodes VMCALL in any spelling.
out="$obj.vmcall-rewritten.s"
counts=$(awk -v out="$out" '
    function num(s,    i, c, v) {
        gsub(/[ \t]/, "", s)
        if (s !~ /^0[xX][0-9a-fA-F]+$/) return s + 0
        v = 0
        for (i = 3; i <= length(s); i++) {
            c = index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
            v = v * 16 + c
        }
        return v
    }
    /^#APP/ { app = 1; print > out; next }
    /^#NO_APP/ { app = 0; print > out; next }
    /^[ \t]*\.loc[ \t]/ { loc = $2 ":" $3 }
    {
        if (app && $0 ~ /^[ \t]*\.byte[ \t]+0x00f,[ \t]*0x001,[ \t]*0x0c1[ \t]*$/) {
            # inlining and cloning may emit one asm statement several times: with debug
            # information, copies from the same source line count once
            key = loc != "" ? loc : "copy " NR
            if (!(key in seen)) {
                seen[key] = 1
                exact++
            }
            print "\tcall ks_vmcall_thunk@PLT" > out
            next
        }
        if ($0 ~ /^[ \t]*vmcall([ \t;#]|$)/) other++
        else if ($0 ~ /^[ \t]*\.byte[ \t]/) {
            line = $0
            sub(/^[ \t]*\.byte[ \t]+/, "", line)
            sub(/[ \t]*(#.*)?$/, "", line)
            n = split(line, v, ",")
            for (i = 1; i + 2 <= n; i++)
                if (num(v[i]) == 15 && num(v[i + 1]) == 1 && num(v[i + 2]) == 193) other++
        }
        print > out
    }
    END { printf "%d %d\n", exact, other }
' "$asm")
exact=${counts% *}
other=${counts#* }

if [ "$other" -ne 0 ]; then
    rm -f "$asm" "$out"
    fail "$src: $other VMCALL instruction(s) in a form other than the inline-assembly line" \
        "'.byte 0x00f, 0x001, 0x0c1' that this launcher rewrites; the build cannot run them" \
        "(see docs/kernel-shim.md, \"VMCALL in upstream code\")"
fi
if [ "$exact" -ne "$want" ]; then
    rm -f "$asm" "$out"
    fail "$src: expected $want VMCALL inline-assembly statement(s) '.byte 0x00f, 0x001, 0x0c1'," \
        "found $exact (without -g, each copy the compiler made counts); the upstream source is not the one this build was written for (check" \
        "CHANSIM_KERNEL_SRC and the --expect of its C_COMPILER_LAUNCHER)"
fi
"$cc" -c "$out" -o "$obj"
rm -f "$asm" "$out"
