# The controller shells (informers, work queues, API calls) and the manager that runs
# them: kscratch_controllers, linking the logic above and the API client.
add_library(kscratch_controllers STATIC
  ${CMAKE_CURRENT_LIST_DIR}/manager/controller_manager.cc
  ${CMAKE_CURRENT_LIST_DIR}/endpoints/desired.cc
  ${CMAKE_CURRENT_LIST_DIR}/endpoints/service_sync.cc
  ${CMAKE_CURRENT_LIST_DIR}/endpoints/endpoints_controller.cc
  ${CMAKE_CURRENT_LIST_DIR}/endpoints/endpointslice_controller.cc
  ${CMAKE_CURRENT_LIST_DIR}/garbagecollector/garbage_collector.cc
  ${CMAKE_CURRENT_LIST_DIR}/namespace/namespace_controller.cc
  ${CMAKE_CURRENT_LIST_DIR}/serviceaccount/serviceaccounts_controller.cc
  ${CMAKE_CURRENT_LIST_DIR}/nodelifecycle/cidr.cc
  ${CMAKE_CURRENT_LIST_DIR}/nodelifecycle/taints.cc
  ${CMAKE_CURRENT_LIST_DIR}/nodelifecycle/node_lifecycle_controller.cc
  ${CMAKE_CURRENT_LIST_DIR}/workloads/parallel.cc
  ${CMAKE_CURRENT_LIST_DIR}/workloads/replicaset_controller.cc
  ${CMAKE_CURRENT_LIST_DIR}/workloads/deployment_controller.cc)
target_link_libraries(kscratch_controllers PUBLIC kscratch_controllers_logic kscratch_client)
