// ink loads react-devtools-core only when DEV=true; the bundled game ships without it.
export default { initialize() {}, connectToDevTools() {} }
