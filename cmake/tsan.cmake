# ThreadSanitizer build (GRASSROOTS_TSAN). scripts/test_tsan.sh configures it
# and runs the tests labelled `concurrency` under it.
add_compile_options(-fsanitize=thread)
add_link_options(-fsanitize=thread)

# Debian's abseil and gRPC are built without TSan, so TSan cannot see
# absl::Mutex (nor grpc_core::Mutex, which is one) lock and unlock, and would
# report everything guarded by one as a race. Every executable of this build
# therefore gets tests/tsan/absl_mutex_tsan_annotations.cc, which defines the
# absl::Mutex, CondVar and Notification member functions with TSan's mutex
# annotations around the real ones, and absl_status_tsan_annotations.cc,
# which compiles absl::Status's reference count drop with TSan; both are
# exported (the dynamic list) so that the shared libraries' calls reach them
# too. tests/tsan/ checks that it
# works: a race is still reported, absl-guarded data is not.
#
# An executable that must be left without them (the self-check that shows a
# report appears without them) sets the target property
# GRASSROOTS_TSAN_NO_ABSL_ANNOTATIONS.
set(GRASSROOTS_TSAN_DIR ${PROJECT_SOURCE_DIR}/tests/tsan)
set(GRASSROOTS_TSAN_SUPPRESSIONS ${GRASSROOTS_TSAN_DIR}/tsan_suppressions.txt)

# All executables exist only once the whole tree has been read, hence the
# deferred call at the end of the top-level CMakeLists.txt.
function(grassroots_tsan_annotate_executables)
  add_library(grassroots_tsan_annotations OBJECT
    ${GRASSROOTS_TSAN_DIR}/absl_mutex_tsan_annotations.cc
    ${GRASSROOTS_TSAN_DIR}/absl_status_tsan_annotations.cc)
  target_link_libraries(grassroots_tsan_annotations PUBLIC
    absl::synchronization absl::status absl::time ${CMAKE_DL_LIBS})
  # Built into every binary, so that a binary started by hand (a server
  # binary outside the tests, too) reports the same way; TSAN_OPTIONS
  # given at run time still override each of these.
  target_compile_definitions(grassroots_tsan_annotations PRIVATE
    GRASSROOTS_TSAN_SUPPRESSIONS="${GRASSROOTS_TSAN_SUPPRESSIONS}")
  set(export_list ${GRASSROOTS_TSAN_DIR}/absl_sync_exports.list)
  target_link_options(grassroots_tsan_annotations INTERFACE
    "LINKER:--dynamic-list=${export_list}")

  set(directories ${CMAKE_SOURCE_DIR})
  while(directories)
    list(POP_FRONT directories directory)
    get_property(subdirectories DIRECTORY ${directory} PROPERTY SUBDIRECTORIES)
    list(APPEND directories ${subdirectories})
    get_property(targets DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target IN LISTS targets)
      get_target_property(type ${target} TYPE)
      get_target_property(excluded ${target} GRASSROOTS_TSAN_NO_ABSL_ANNOTATIONS)
      if(type STREQUAL "EXECUTABLE" AND NOT excluded)
        target_link_libraries(${target} PRIVATE grassroots_tsan_annotations)
        set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${export_list})
      endif()
    endforeach()
  endwhile()
endfunction()
cmake_language(DEFER CALL grassroots_tsan_annotate_executables)
