// Package io is Alignscope's file layer: readers and writers that turn user
// files into core types and back. Only packages under io open user files.
package io
