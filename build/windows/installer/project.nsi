Unicode true

; Murmur's installer, from Wails' NSIS template (v2.16.0): per-user, no
; administrator rights, a Start-menu entry, an uninstaller, and the WebView2
; bootstrapper when the runtime is missing.
;
; `make dist` (scripts/dist.sh windows) builds it on Linux with Debian's makensis:
; it renders wails_tools.nsh from the pinned Wails module beside this file, puts
; Wails' MicrosoftEdgeWebview2Setup.exe in tmp\ and passes
;   -DARG_WAILS_AMD64_BINARY=murmur.exe   the cross-built app
;   -DOUTFILE=...                         where the installer goes
;   -DARG_FILE_VERSION=A.B.C.D            numeric version (MAJOR.MINOR.PATCH.COMMITS)
;   -DARG_PRODUCT_VERSION=...             the git describe version
;   -DARG_WEB_FILES=web_files.nsh         the web app and widget (make web's
;                                         dist/web), installed as web\ beside
;                                         murmur.exe for `murmur serve`
; `wails build -nsis` on Windows works too (without the ARG_*_VERSION defines).

; Before wails_tools.nsh, which only fills in what is not defined here.
!define REQUEST_EXECUTION_LEVEL "user"
!define WAILS_INSTALL_SCOPE "user"
!define PRODUCT_EXECUTABLE "murmur.exe"
!define UNINST_KEY_NAME "Murmur"

!include "wails_tools.nsh"
!ifdef ARG_WEB_FILES
    !include "${ARG_WEB_FILES}"
!endif

!ifndef ARG_FILE_VERSION
    !define ARG_FILE_VERSION "${INFO_PRODUCTVERSION}.0"
!endif
!ifndef ARG_PRODUCT_VERSION
    !define ARG_PRODUCT_VERSION "${INFO_PRODUCTVERSION}"
!endif
!ifndef OUTFILE
    !define OUTFILE "..\..\bin\${INFO_PROJECTNAME}-${ARCH}-installer.exe"
!endif

; Windows wants four numbers here; the strings carry the full version.
VIProductVersion "${ARG_FILE_VERSION}"
VIFileVersion    "${ARG_FILE_VERSION}"
VIAddVersionKey "CompanyName"     "${INFO_COMPANYNAME}"
VIAddVersionKey "FileDescription" "${INFO_PRODUCTNAME} Installer"
VIAddVersionKey "ProductVersion"  "${ARG_PRODUCT_VERSION}"
VIAddVersionKey "FileVersion"     "${ARG_FILE_VERSION}"
VIAddVersionKey "LegalCopyright"  "${INFO_COPYRIGHT}"
VIAddVersionKey "ProductName"     "${INFO_PRODUCTNAME}"

ManifestDPIAware true

!include "MUI.nsh"

!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
!define MUI_FINISHPAGE_NOAUTOCLOSE
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${PRODUCT_EXECUTABLE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Name "${INFO_PRODUCTNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${INFO_PRODUCTNAME}"
ShowInstDetails show

Function .onInit
    !insertmacro wails.checkArchitecture
FunctionEnd

Section
    !insertmacro wails.setShellContext
    !insertmacro wails.webview2runtime

    SetOutPath $INSTDIR
    !insertmacro wails.files
    !ifdef ARG_WEB_FILES
        !insertmacro murmur.webFiles
        SetOutPath $INSTDIR ; the shortcuts' working folder
    !endif

    CreateShortcut "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"
    CreateShortcut "$DESKTOP\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"

    !insertmacro wails.writeUninstaller
SectionEnd

; Uninstalling removes the program, its shortcuts and WebView2's cache. It
; removes only the files it installed, never the folder's other contents, and
; keeps what belongs to the user: conversations, settings and the log in
; %LOCALAPPDATA%\murmur, and API keys in the Windows Credential Manager.
Section "uninstall"
    !insertmacro wails.setShellContext

    RMDir /r "$APPDATA\${PRODUCT_EXECUTABLE}" ; WebView2's data folder: a cache

    Delete "$INSTDIR\${PRODUCT_EXECUTABLE}"
    !ifdef ARG_WEB_FILES
        !insertmacro murmur.deleteWebFiles
    !endif
    Delete "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk"
    Delete "$DESKTOP\${INFO_PRODUCTNAME}.lnk"

    !insertmacro wails.deleteUninstaller
    RMDir $INSTDIR
SectionEnd
