# Runs at every build (cmake -P): writes build_info.cc only when its content changes, so a new
# commit relinks the binary without recompiling anything else.
execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                OUTPUT_VARIABLE KYCLOUD_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0 OR KYCLOUD_GIT_COMMIT STREQUAL "")
  set(KYCLOUD_GIT_COMMIT "unknown")
else()
  execute_process(COMMAND git -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
                  OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT dirty STREQUAL "")
    set(KYCLOUD_GIT_COMMIT "${KYCLOUD_GIT_COMMIT}-dirty")
  endif()
endif()
configure_file("${SOURCE_DIR}/kycloud/base/build_info.cc.in" "${OUTPUT}" @ONLY)
