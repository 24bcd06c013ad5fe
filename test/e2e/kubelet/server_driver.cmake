# The standalone kubelet server behind server_test.sh. Included from the unit tests'
# folder (which has the fake runtime) and, once wired, from this folder's CMakeLists.txt;
# the guard makes the second include a no-op.
include_guard(GLOBAL)
if(TARGET kscratch_kubelet_server)
  add_executable(kscratch-kubelet-server-driver
    ${CMAKE_CURRENT_LIST_DIR}/server_driver.cc
    ${PROJECT_SOURCE_DIR}/test/unit/kubelet/server/fake_runtime.cc)
  target_link_libraries(kscratch-kubelet-server-driver PRIVATE kscratch_kubelet_server kscratch_options)
  target_include_directories(kscratch-kubelet-server-driver PRIVATE ${PROJECT_SOURCE_DIR}/src
    ${PROJECT_SOURCE_DIR}/test/unit/kubelet/server)
  target_compile_definitions(kscratch-kubelet-server-driver PRIVATE
    KSCRATCH_FAKE_CONSOLE="${PROJECT_SOURCE_DIR}/test/unit/kubelet/server/fake_console.py")
endif()
