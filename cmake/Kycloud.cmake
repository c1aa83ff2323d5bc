# kycloud_test(NAME SOURCES... LIBS ...): one GoogleTest executable registered with CTest.
function(kycloud_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;FIXTURES;ENV" ${ARGN})
  if(NOT KYCLOUD_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gmock GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_color=no)
  if(T_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES}")
  endif()
  if(T_ENV)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${T_ENV}")
  endif()
endfunction()

# kycloud_fuzz(NAME SOURCE LIBS ...): a libFuzzer target NAME (fuzz preset, clang) and, in every
# build with tests, NAME_replay: the same entry point run over testdata/fuzz/NAME/ (the seed
# corpus and every regression input) as a CTest test.
function(kycloud_fuzz name)
  cmake_parse_arguments(F "" "SOURCE" "LIBS" ${ARGN})
  if(KYCLOUD_FUZZ)
    add_executable(${name} ${F_SOURCE})
    target_link_libraries(${name} PRIVATE ${F_LIBS})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  elseif(KYCLOUD_BUILD_TESTS)
    add_executable(${name}_replay ${F_SOURCE} ${PROJECT_SOURCE_DIR}/tests/support/fuzz_replay_main.cc)
    target_link_libraries(${name}_replay PRIVATE ${F_LIBS})
    add_test(NAME ${name}_replay
             COMMAND ${name}_replay ${PROJECT_SOURCE_DIR}/testdata/fuzz/${name})
  endif()
endfunction()
