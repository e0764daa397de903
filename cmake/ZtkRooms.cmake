# The rooms of DESIGN.md, each a static library built from every .c file under its folder
# (so adding a module never means editing a list), plus libztkit.so holding them all.
# Arrows: stack -> core; api -> core; transport -> libc; sim/runtime -> core stack transport api;
# zts -> runtime (and what it uses).

function(ztk_room name dir)
  cmake_parse_arguments(R "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/${dir}/*.c")
  list(FILTER srcs EXCLUDE REGEX "/port/")
  if(srcs)
    add_library(${name}_obj OBJECT ${srcs})
    ztk_target_defaults(${name}_obj)
    set_target_properties(${name}_obj PROPERTIES C_VISIBILITY_PRESET hidden)
    target_compile_definitions(${name}_obj PRIVATE ZTK_BUILDING)
    target_link_libraries(${name}_obj PUBLIC ${R_DEPS})
    add_library(${name} STATIC $<TARGET_OBJECTS:${name}_obj>)
    set(ZTK_ROOM_OBJECTS ${ZTK_ROOM_OBJECTS} $<TARGET_OBJECTS:${name}_obj> PARENT_SCOPE)
  else()
    add_library(${name} INTERFACE)
  endif()
  target_include_directories(${name} INTERFACE
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${name} INTERFACE ${R_DEPS})
  set(ZTK_ROOMS ${ZTK_ROOMS} ${name} PARENT_SCOPE)
endfunction()

set(ZTK_ROOM_OBJECTS $<TARGET_OBJECTS:ztk_lwip_obj>)
ztk_room(ztk_core core DEPS PkgConfig::SODIUM OpenSSL::Crypto PkgConfig::LZ4)
ztk_room(ztk_transport transport)
ztk_room(ztk_stack stack DEPS ztk_core ztk_lwip)
# lwIP calls back into stack/ (sys_now, LWIP_RAND, the routing hooks), so the stack archive
# carries lwIP's objects too: one archive, which the linker rescans, instead of a cycle.
target_sources(ztk_stack PRIVATE $<TARGET_OBJECTS:ztk_lwip_obj>)
ztk_room(ztk_api api DEPS ztk_core PkgConfig::JANSSON)
ztk_room(ztk_sim sim DEPS ztk_core ztk_stack ztk_transport ztk_api PkgConfig::PCAP m)
ztk_room(ztk_runtime runtime DEPS ztk_core ztk_stack ztk_transport ztk_api
         PkgConfig::MHD Threads::Threads)
# The libzt-compatible API (include/ZeroTierSockets.h): a default-node wrapper over the runtime.
ztk_room(ztk_zts zts DEPS ztk_runtime ztk_stack ztk_core Threads::Threads)

# Everything a program links to get all rooms (tests, tools, benchmarks).
set(ZTK_STATIC_ROOMS ztk_zts ztk_runtime ztk_sim ztk_api ztk_stack ztk_transport ztk_core ztk_lwip)

# One shared library with every room; only ZTK_API-marked symbols are exported.
add_library(ztkit SHARED ${ZTK_ROOM_OBJECTS})
target_link_libraries(ztkit PUBLIC PkgConfig::SODIUM OpenSSL::Crypto PkgConfig::LZ4
  PkgConfig::JANSSON PkgConfig::MHD PkgConfig::PCAP Threads::Threads m)
target_include_directories(ztkit INTERFACE
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(ztkit PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
  C_VISIBILITY_PRESET hidden LINKER_LANGUAGE C)
