# lwIP 2.1 compiled from source with our own lwipopts.h (NO_SYS=1, driven by virtual or real
# time through sys_now()). The source comes from Debian's lwip source package (bootstrap).
if(NOT EXISTS "${LWIP_DIR}/src/Filelists.cmake")
  message(FATAL_ERROR "lwIP source not found in ${LWIP_DIR}: run scripts/bootstrap.sh "
                      "or pass -DLWIP_DIR=/path/to/lwip-2.1")
endif()
include(${LWIP_DIR}/src/Filelists.cmake)
add_library(ztk_lwip_obj OBJECT ${lwipcore_SRCS} ${lwipcore4_SRCS} ${lwipcore6_SRCS}
            ${LWIP_DIR}/src/netif/ethernet.c)
target_include_directories(ztk_lwip_obj SYSTEM PUBLIC
  ${CMAKE_SOURCE_DIR}/stack/port ${LWIP_DIR}/src/include)
target_include_directories(ztk_lwip_obj PRIVATE ${CMAKE_SOURCE_DIR})
target_compile_options(ztk_lwip_obj PRIVATE -w)
set_target_properties(ztk_lwip_obj PROPERTIES C_EXTENSIONS ON C_VISIBILITY_PRESET hidden)
add_library(ztk_lwip STATIC $<TARGET_OBJECTS:ztk_lwip_obj>)
target_include_directories(ztk_lwip SYSTEM INTERFACE
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/stack/port>
  $<BUILD_INTERFACE:${LWIP_DIR}/src/include>)
