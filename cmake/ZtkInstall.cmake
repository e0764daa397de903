# Install: public headers, the room libraries, libztkit.so, a pkg-config file and a CMake
# package config, so both `pkg-config ztkit` and `find_package(ztkit)` work.
include(CMakePackageConfigHelpers)
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(ztk_install_targets ztkit ${ZTK_ROOMS} ztk_lwip)
install(TARGETS ${ztk_install_targets} EXPORT ztkitTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT ztkitTargets NAMESPACE ztkit:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ztkit)
configure_package_config_file(cmake/ztkitConfig.cmake.in
  ${CMAKE_BINARY_DIR}/ztkitConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ztkit)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/ztkitConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/ztkitConfig.cmake ${CMAKE_BINARY_DIR}/ztkitConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ztkit)
# The .pc file finds its prefix relative to itself, so `cmake --install --prefix` anywhere works.
file(RELATIVE_PATH ZTK_PC_UP "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(cmake/ztkit.pc.in ${CMAKE_BINARY_DIR}/ztkit.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/ztkit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
