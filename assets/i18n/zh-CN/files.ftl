# files
