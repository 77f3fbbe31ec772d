# Fails when SQL that writes (INSERT, REPLACE, UPDATE ... SET, DELETE FROM,
# an upsert's ON CONFLICT) appears in daemon/ outside daemon/record/: the
# record layer holds one writer per table, with its checks, for the live
# path and import alike (docs: PRODUCT.md, "The parts").
#   cmake -DSOURCE_DIR=<project root> -P writes_outside_record.cmake
#
# Allowed by file, explicitly: the store's own statements (migrations and
# the backup file work on the database as a whole, not on a table's rows).
cmake_minimum_required(VERSION 3.16)
set(allowed
  daemon/store/migrations.cpp
  daemon/store/backup_file.cpp
)
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "give -DSOURCE_DIR=<the project's root>")
endif()
file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/daemon/*.cpp" "${SOURCE_DIR}/daemon/*.hpp")
set(writes
  "INSERT[A-Z ]* INTO "
  "REPLACE INTO "
  "UPDATE [a-z_]+ SET "
  "DELETE FROM "
  "ON CONFLICT"
)
set(found "")
set(count 0)
foreach(source IN LISTS sources)
  if(source MATCHES "^daemon/record/" OR source IN_LIST allowed)
    continue()
  endif()
  file(STRINGS "${SOURCE_DIR}/${source}" lines)
  set(number 0)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    foreach(pattern IN LISTS writes)
      if(line MATCHES "${pattern}")
        string(STRIP "${line}" shown)
        string(APPEND found "  ${source}:${number}: ${shown}\n")
        math(EXPR count "${count} + 1")
        break()
      endif()
    endforeach()
  endforeach()
endforeach()
list(LENGTH sources scanned)
if(count GREATER 0)
  message(FATAL_ERROR "${count} SQL statement(s) that write outside daemon/record/ (move each into its table's writer there):\n${found}")
endif()
message(STATUS "no SQL that writes outside daemon/record/ (${scanned} files of daemon/ read)")
