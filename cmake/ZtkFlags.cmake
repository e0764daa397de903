# Warnings, sanitizers, coverage. Applied to our own code only (lwIP gets its own set).
set(ZTK_WARNINGS -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wstrict-prototypes
    -Wmissing-prototypes -Wformat=2 -Wvla -Wno-unused-parameter)
if(ZTK_WERROR)
  list(APPEND ZTK_WARNINGS -Werror)
endif()

set(ZTK_INSTRUMENT_FLAGS "")
if(ZTK_SANITIZE)
  list(APPEND ZTK_INSTRUMENT_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
       -fno-omit-frame-pointer)
endif()
if(ZTK_COVERAGE)
  list(APPEND ZTK_INSTRUMENT_FLAGS --coverage -O0)
endif()
if(ZTK_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ZTK_FUZZ needs clang: configure with CC=clang")
  endif()
  list(APPEND ZTK_INSTRUMENT_FLAGS -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=all -fno-omit-frame-pointer)
endif()
add_compile_options(${ZTK_INSTRUMENT_FLAGS})
add_link_options(${ZTK_INSTRUMENT_FLAGS})

# ztk_target_defaults(target): our warnings and include roots for one of our targets.
function(ztk_target_defaults target)
  target_compile_options(${target} PRIVATE ${ZTK_WARNINGS})
  target_compile_definitions(${target} PRIVATE _DEFAULT_SOURCE _GNU_SOURCE)
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endfunction()
