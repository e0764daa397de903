# lwIP 2.1 compiled from source with our own lwipopts.h (NO_SYS=1, driven by virtual or real
# time through sys_now()). The source comes from Debian's lwip source package (bootstrap).
if(NOT EXISTS "${LWIP_DIR}/src/Filelists.cmake")
  message(FATAL_ERROR "lwIP source not found in ${LWIP_DIR}: run scripts/bootstrap.sh "
                      "or pass -DLWIP_DIR=/path/to/lwip-2.1")
endif()
include(${LWIP_DIR}/src/Filelists.cmake)
# Four lwIP files are compiled inside wrappers of ours that can restart their static state
# (stack/port/lwip_restart.h): the simulator replays worlds in one process.
set(ztk_lwip_wrapped ${LWIP_DIR}/src/core/tcp.c ${LWIP_DIR}/src/core/timeouts.c
    ${LWIP_DIR}/src/core/ipv4/ip4.c ${LWIP_DIR}/src/core/netif.c)
set(ztk_lwip_srcs ${lwipcore_SRCS} ${lwipcore4_SRCS} ${lwipcore6_SRCS})
list(REMOVE_ITEM ztk_lwip_srcs ${ztk_lwip_wrapped})
add_library(ztk_lwip_obj OBJECT ${ztk_lwip_srcs} ${LWIP_DIR}/src/netif/ethernet.c
            ${CMAKE_SOURCE_DIR}/stack/port/lwip_tcp.c ${CMAKE_SOURCE_DIR}/stack/port/lwip_timeouts.c
            ${CMAKE_SOURCE_DIR}/stack/port/lwip_ip4.c ${CMAKE_SOURCE_DIR}/stack/port/lwip_netif.c)
target_include_directories(ztk_lwip_obj SYSTEM PUBLIC
  ${CMAKE_SOURCE_DIR}/stack/port ${LWIP_DIR}/src/include)
target_include_directories(ztk_lwip_obj PRIVATE ${CMAKE_SOURCE_DIR} ${LWIP_DIR}/src)
target_compile_options(ztk_lwip_obj PRIVATE -w)
set_target_properties(ztk_lwip_obj PROPERTIES C_EXTENSIONS ON C_VISIBILITY_PRESET hidden)
add_library(ztk_lwip STATIC $<TARGET_OBJECTS:ztk_lwip_obj>)
target_include_directories(ztk_lwip SYSTEM INTERFACE
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/stack/port>
  $<BUILD_INTERFACE:${LWIP_DIR}/src/include>)
