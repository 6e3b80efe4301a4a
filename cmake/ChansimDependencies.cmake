# Finds what chansim builds against. Every dependency is a Debian 12 package; when one is
# missing, configuration stops with the name of the package to install.
find_package(PkgConfig QUIET)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "chansim: pkg-config not found. Install the Debian package: pkg-config")
endif()

function(chansim_require_pkgconfig prefix module debian_package)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${prefix}_FOUND)
    message(FATAL_ERROR
      "chansim: ${module} (pkg-config) not found. Install the Debian package: ${debian_package}")
  endif()
  message(STATUS "chansim: ${module} ${${prefix}_VERSION}")
endfunction()

function(chansim_require_program var program debian_package)
  find_program(${var} ${program})
  if(NOT ${var})
    message(FATAL_ERROR
      "chansim: program '${program}' not found. Install the Debian package: ${debian_package}")
  endif()
  message(STATUS "chansim: ${program} at ${${var}}")
endfunction()

chansim_require_pkgconfig(SYSTEMC systemc libsystemc-dev)
chansim_require_pkgconfig(LIBVIRT libvirt libvirt-dev)
chansim_require_pkgconfig(LIBXML2 libxml-2.0 libxml2-dev)
chansim_require_pkgconfig(CHECK check check)
chansim_require_pkgconfig(ZLIB zlib zlib1g-dev) # the RTL's FST waveforms (Verilator's writer)
chansim_require_program(CHANSIM_VERILATOR verilator verilator)
chansim_require_program(CHANSIM_BABELTRACE2 babeltrace2 babeltrace2)
chansim_require_program(CHANSIM_TSHARK tshark tshark)
