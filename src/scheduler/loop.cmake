# The scheduling loop: informers, the scheduling queue, binding through the API client.
add_library(kscratch_scheduler STATIC
  ${CMAKE_CURRENT_LIST_DIR}/loop/scheduling_queue.cc
  ${CMAKE_CURRENT_LIST_DIR}/loop/scheduler.cc)
target_link_libraries(kscratch_scheduler PUBLIC kscratch_scheduler_core kscratch_client)
