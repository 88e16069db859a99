// Package table reads and writes stimulus tables: CSV or TSV files with a
// header line, the stimulus names in the first column and one descriptor
// (category, animacy, …) per further column.
//
//	stimulus	category	animate
//	cat01	animal	yes
//	car01	vehicle	no
//
// The delimiter is taken from the extension (.csv comma, .tsv or .tab
// tab) and otherwise sniffed from the header line (tab, comma or
// semicolon, the most frequent outside quotes). Quoted fields, a UTF-8 or
// UTF-16 byte order mark (Excel's "Unicode text"), CRLF line ends and
// blank lines are handled; fields are trimmed of surrounding spaces.
// Every error names the file and the line, and says what to fix.
package table
