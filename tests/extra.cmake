# Script tests (Python, stdlib only): CLI behaviour and live interop. Exit code 77 = skipped.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
# Programs a script test compiles against our libraries need the same instrumentation
# (an ASan libztkit.so cannot load into a plain executable).
string(REPLACE ";" " " ztk_user_flags "${ZTK_INSTRUMENT_FLAGS}")
function(ztk_script_test name script)
  cmake_parse_arguments(T "" "" "LABELS;ARGS" ${ARGN})
  add_test(NAME ${name} COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/${script} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" SKIP_RETURN_CODE 77 TIMEOUT 600
    ENVIRONMENT "ZTK_BUILD=${CMAKE_BINARY_DIR};ZTK_SOURCE=${CMAKE_SOURCE_DIR};ZTK_USER_FLAGS=${ztk_user_flags}")
endfunction()

ztk_script_test(tools/idtool tools/idtool_test.py LABELS "tools")
ztk_script_test(tools/idtool_world tools/idtool_world_test.py LABELS "tools")
ztk_script_test(tools/node tools/node_test.py LABELS "tools")
ztk_script_test(tools/install tools/install_test.py LABELS "tools")
ztk_script_test(tools/bench tools/bench_test.py LABELS "tools")
ztk_script_test(tools/node_vl2 tools/node_vl2_test.py LABELS "tools")
ztk_script_test(tools/node_sock tools/node_sock_test.py LABELS "tools")
ztk_script_test(interop/idtool interop/idtool_interop.py LABELS "interop")
ztk_script_test(interop/world interop/world_interop.py LABELS "interop")
ztk_script_test(interop/vl1 interop/vl1_interop.py LABELS "interop")
ztk_script_test(interop/vl2 interop/vl2_interop.py LABELS "interop")
ztk_script_test(interop/sockets interop/sockets_interop.py LABELS "interop")

# Scenarios: every scenarios/*.py runs twice with its default seed (trace hashes compared,
# the first diverging line reported) and its hash must equal the one in scenarios/golden.txt,
# so every build and machine agree.
file(GLOB ztk_scenarios CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenarios/*.py)
foreach(f ${ztk_scenarios})
  get_filename_component(name ${f} NAME_WE)
  add_test(NAME scenario/${name} COMMAND ${Python3_EXECUTABLE} ${CMAKE_BINARY_DIR}/tools/ztk-sim
           run ${f} --check-determinism --golden ${CMAKE_SOURCE_DIR}/scenarios/golden.txt --no-shrink)
  set_tests_properties(scenario/${name} PROPERTIES LABELS "scenario" TIMEOUT 600)
endforeach()
ztk_script_test(tools/sim_runner tools/sim_runner_test.py LABELS "tools;scenario")
ztk_script_test(tools/sim_report tools/sim_report_test.py LABELS "tools;scenario")
ztk_script_test(tools/zts_examples tools/zts_examples_test.py LABELS "tools;zts")
ztk_script_test(tools/libzt_examples tools/libzt_examples_test.py LABELS "tools;zts")
