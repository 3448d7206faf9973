# Writes a man page for one tool from its own --help, and each subcommand's (recursively), so the
# page says exactly what the binary accepts. help2man was considered: it reads a single --help and
# knows nothing of subcommands, which is where our options live.
# Usage: cmake -DTOOL=path -DNAME=name -DVERSION=x.y.z -DOUT=page.1 -P manpage.cmake
cmake_minimum_required(VERSION 3.25)

# Help runs `TOOL args --help` and returns its output.
function(Help out)
  execute_process(COMMAND ${TOOL} ${ARGN} --help OUTPUT_VARIABLE text ERROR_VARIABLE err
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${TOOL} ${ARGN} --help failed (${rc}): ${err}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Subcommands returns the names CLI11 lists under "Subcommands:".
function(Subcommands out text)
  string(REPLACE ";" "\\;" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(names)
  set(in_list FALSE)
  foreach(line IN LISTS lines)
    if(line MATCHES "^[A-Za-z]+:$")
      set(in_list FALSE)
      if(line STREQUAL "Subcommands:" OR line STREQUAL "SUBCOMMANDS:")
        set(in_list TRUE)
      endif()
    elseif(in_list AND line MATCHES "^  ([a-z0-9][a-z0-9_-]*)")
      list(APPEND names ${CMAKE_MATCH_1})
    endif()
  endforeach()
  set(${out} ${names} PARENT_SCOPE)
endfunction()

# Roff escapes text for a no-fill block.
function(Roff out text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

Help(top)
string(REGEX MATCH "^[^\n]*" first_line "${top}")
string(REGEX REPLACE "^[^:]*: *" "" summary "${first_line}")
Roff(summary "${summary}")
string(TOUPPER "${NAME}" upper)
Roff(name_roff "${NAME}")
Roff(body "${top}")
set(page ".TH ${upper} 1 \"\" \"nitro-attest ${VERSION}\" \"User Commands\"
.SH NAME
${name_roff} \\- ${summary}
.SH DESCRIPTION
The text below is the output of \\fB${name_roff} \\-\\-help\\fR, then of each subcommand's
\\fB\\-\\-help\\fR.
.PP
.nf
${body}.fi
")
Subcommands(work "${top}")
while(work)
  list(POP_FRONT work path)
  string(REPLACE " " ";" args "${path}")
  Help(raw ${args})
  Roff(text "${raw}")
  Roff(title "${NAME} ${path}")
  string(APPEND page ".SH \"${title}\"\n.nf\n${text}.fi\n")
  Subcommands(children "${raw}")
  foreach(child IN LISTS children)
    list(APPEND work "${path} ${child}")
  endforeach()
endwhile()
string(APPEND page ".SH VERSION\nThis page describes ${name_roff} of nitro\\-attest ${VERSION}.\n")
file(WRITE ${OUT} "${page}")
