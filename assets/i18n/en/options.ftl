# options
