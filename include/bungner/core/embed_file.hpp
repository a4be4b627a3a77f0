#pragma once
// Embeds a file byte for byte into the executable with the assembler's .incbin: no generated
// source, no size limit on string literals. Declares SYMBOL_begin and SYMBOL_end (one past the
// last byte, which is followed by a NUL). The build names the file (an absolute path) and lists
// it in the source file's OBJECT_DEPENDS, so the object is rebuilt when the file changes.
// For the plotting libraries of reports and the workbench's pages.

#define BUNGNER_EMBED_FILE(symbol, path)    \
  __asm__(                                  \
      ".pushsection .rodata\n"              \
      ".balign 16\n"                        \
      ".globl " #symbol                     \
      "_begin\n"                            \
      ".hidden " #symbol "_begin\n" #symbol \
      "_begin:\n"                           \
      ".incbin \"" path                     \
      "\"\n"                                \
      ".globl " #symbol                     \
      "_end\n"                              \
      ".hidden " #symbol "_end\n" #symbol   \
      "_end:\n"                             \
      ".byte 0\n"                           \
      ".popsection\n");                     \
  extern "C" const char symbol##_begin[];   \
  extern "C" const char symbol##_end[];
