# Script tests (Python, stdlib only): CLI behaviour and live interop. Exit code 77 = skipped.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
function(ztk_script_test name script)
  cmake_parse_arguments(T "" "" "LABELS;ARGS" ${ARGN})
  add_test(NAME ${name} COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/${script} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" SKIP_RETURN_CODE 77 TIMEOUT 600
    ENVIRONMENT "ZTK_BUILD=${CMAKE_BINARY_DIR};ZTK_SOURCE=${CMAKE_SOURCE_DIR}")
endfunction()

ztk_script_test(tools/idtool tools/idtool_test.py LABELS "tools")
ztk_script_test(tools/idtool_world tools/idtool_world_test.py LABELS "tools")
ztk_script_test(tools/node tools/node_test.py LABELS "tools")
ztk_script_test(interop/idtool interop/idtool_interop.py LABELS "interop")
ztk_script_test(interop/world interop/world_interop.py LABELS "interop")
ztk_script_test(interop/vl1 interop/vl1_interop.py LABELS "interop")
